"""The resident registry: sites, units, residents, support history and the mix."""
