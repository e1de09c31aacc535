// Package identity is cloudsuite's identity service: the registry of sites, their customers,
// contacts and users, and the product entitlements ("apps", with IDs of their own) of each site.
// Products ask it whether a site exists (POST /sites/lookup).
//
// Its admin delete API (POST /admin/delete {"ids": [...], "mode": "mark"|"permanent"}) behaves
// like the API in Atlassian's April 2022 outage: it accepts app IDs and site IDs alike and assumes
// the input is correct. An app ID removes that entitlement (and, permanently, the site's data in
// that product); a site ID removes the whole site: its identity rows and its rows in every product.
// With soft delete on (SOFT_DELETE=on), mode "mark" only hides the site or app and POST
// /admin/undelete brings it back. With soft delete off there is no recoverable deletion state:
// "mark" deletes permanently, as "permanent" does, and undelete answers 409.
package identity
