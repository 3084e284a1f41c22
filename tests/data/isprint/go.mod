module isprint

go 1.22
