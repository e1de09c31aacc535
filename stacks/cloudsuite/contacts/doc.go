// Package contacts reads customer contacts from identity and keeps them where a site deletion
// cannot reach: timestamped JSON exports in a directory on a volume of their own (identity writes
// one on a schedule and on demand). Reading from the exports takes, for each site, the newest
// export that holds it, so the contacts of a deleted site are still found.
package contacts
