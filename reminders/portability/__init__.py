"""Taking a candidate's data in and out: imports, exports and the record of applications."""
