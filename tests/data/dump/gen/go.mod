module gd

go 1.26
