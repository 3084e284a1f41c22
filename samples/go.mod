module gotrex/samples

go 1.21
