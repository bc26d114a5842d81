// Package dashboards is the home of Wingman's declarative dashboards; the
// work is done in its subpackages:
//
//   - document reads YAML and JSON documents safely and validates them
//     against a JSON Schema, naming problems by path;
//   - query is the named query registry and its read-only runner;
//   - spec is the dashboard spec, its schema and the fixed component
//     library;
//   - templates holds the pre-built dashboards;
//   - render resolves a spec into the data each component shows;
//   - dashtest gives their tests real stores and a seeded homelab.
//
// A spec never carries SQL: it names queries, and only the registry holds
// their text, so what a dashboard can read is what an admin approved.
package dashboards
