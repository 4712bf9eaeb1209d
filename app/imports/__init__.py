"""Reading a site's units and residents, or its association's member list, from a file."""
