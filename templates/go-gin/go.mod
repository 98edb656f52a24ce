module example.com/app

go 1.19

require github.com/gin-gonic/gin v1.9.0
