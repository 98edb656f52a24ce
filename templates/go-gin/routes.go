package main

import (
	_ "embed"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

//go:embed index.html
var indexHTML []byte

// newRouter builds the Gin engine with its middleware and routes. Add your routes here.
func newRouter() *gin.Engine {
	r := gin.New()
	r.Use(gin.Logger(), gin.Recovery())
	// Trust no X-Forwarded-For by default; list your reverse proxies here to get real client IPs.
	if err := r.SetTrustedProxies(nil); err != nil {
		panic(err)
	}
	r.HandleMethodNotAllowed = true

	r.GET("/health", health)
	r.HEAD("/health", health)
	r.GET("/", index)

	api := r.Group("/api")
	api.GET("/hello", hello)

	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") {
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
			return
		}
		c.String(http.StatusNotFound, "404 page not found")
	})
	r.NoMethod(func(c *gin.Context) {
		c.JSON(http.StatusMethodNotAllowed, gin.H{"error": "method not allowed"})
	})
	return r
}

// health is the liveness probe: cheap, no I/O, always 200 while the server runs.
func health(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

type helloResponse struct {
	Message string    `json:"message"`
	Time    time.Time `json:"time"`
}

func hello(c *gin.Context) {
	name := c.Query("name")
	if name == "" {
		name = "world"
	}
	c.JSON(http.StatusOK, helloResponse{Message: "Hello, " + name + "!", Time: time.Now().UTC()})
}

func index(c *gin.Context) {
	c.Data(http.StatusOK, "text/html; charset=utf-8", indexHTML)
}
