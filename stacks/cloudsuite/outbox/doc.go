// Package outbox is the notice log: every notice sent to a customer contact is recorded here, so
// that communication during an incident is measurable. GET /notices/check?sites=a,b answers 200
// only when every listed site has at least one notice (drill uses it as a milestone probe), 404
// otherwise with the sites still waiting.
package outbox
