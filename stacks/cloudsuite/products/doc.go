// Package products is the server of the four site products (tracker, wiki, pager, status): one
// generic server over the product's catalogue entry. A site is served only when identity says it
// is live and entitled to the product (through the directory cache) and the product has its own
// registration row for the site; otherwise the site answers 404 (unknown, not entitled, or no
// data here) or 410 (marked deleted in identity). Per-site health also reads every table of the
// site's data, so a dropped table makes it answer 503, and a site without records 404.
package products
