// Package statuspage is cloudsuite's own (platform) status page, served by the status
// product: an incident posted there names the sites it affects, so that a drill can measure
// when the status page told the world about them. It is not site data: never seeded,
// fingerprinted, deleted with a site or restored (in the outage the customers' own status
// pages were deleted with their sites; the platform's page was what was left to post on).
package statuspage
