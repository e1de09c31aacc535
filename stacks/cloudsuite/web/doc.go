// Package web holds what cloudsuite's HTTP servers share: JSON answers and errors, request
// decoding with a size cap, site lists from query strings, and a server that shuts down with its
// context.
package web
