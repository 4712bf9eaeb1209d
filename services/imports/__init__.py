"""Reading a site (units, parts, residents) or a member list in from a CSV or XLSX export:
read the file, map its columns, plan a dry run row by row, then apply it at once."""
