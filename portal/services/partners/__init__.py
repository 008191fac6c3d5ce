"""Partner systems (police, CPS, courts) that post case events through the API."""
