module traceprog

go 1.22
