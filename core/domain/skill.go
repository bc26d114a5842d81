// The wire types of skills: execution plugins from the marketplace
// (community) or the user's own (local), installed on the control plane
// and fetched by workers; plugins/skill holds their rules.

package domain

import "time"

// Skill trust levels, as manifests give them.
const (
	SkillSandboxed = "sandboxed"
	SkillVerified  = "verified"
	SkillTrusted   = "trusted"
)

// SkillSummary is what a skill's manifest says about it.
type SkillSummary struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Version     string      `json:"version"`
	Author      string      `json:"author"`
	Description string      `json:"description"`
	TrustLevel  string      `json:"trust_level"`
	Permissions []string    `json:"permissions"`
	Actions     []string    `json:"actions"`
	BlastRadius BlastRadius `json:"blast_radius"`
}

// MarketplaceSkill is one plugin the registry lists (GET
// /api/v1/plugins/market). It is what the registry says; nothing of it is
// verified until the plugin is installed. Installed is the version
// installed here, if any.
type MarketplaceSkill struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Version     string   `json:"version"`
	Author      string   `json:"author"`
	Description string   `json:"description"`
	TrustLevel  string   `json:"trust_level"`
	Permissions []string `json:"permissions"`
	Signed      bool     `json:"signed"`
	Installed   string   `json:"installed,omitempty"`
}

// MarketplaceSkillInfo is one plugin with its files and README (GET
// /api/v1/plugins/market/{id}).
type MarketplaceSkillInfo struct {
	MarketplaceSkill
	Files  []string `json:"files"`
	Readme string   `json:"readme,omitempty"`
	Source string   `json:"source"` // the URL it is fetched from
}

// InstalledSkill is a skill the control plane keeps and serves to its
// workers (GET /api/v1/plugins). Source is community or local; Signer is
// the id and name of the maintainer key that signed it, when one did.
type InstalledSkill struct {
	SkillSummary
	Source      string    `json:"source"`
	Signer      string    `json:"signer,omitempty"`
	InstalledAt time.Time `json:"installed_at"`
}

// InstallSkillRequest is the body of POST /api/v1/plugins. Force
// installs a version older than the one installed (a rollback).
type InstallSkillRequest struct {
	ID    string `json:"id"`
	Force bool   `json:"force,omitempty"`
}

// UpdateSkillRequest is the body of POST /api/v1/plugins/{id}/update.
type UpdateSkillRequest struct {
	Force bool `json:"force,omitempty"`
}

// SkillUpdate says what an update did: From and To are the versions
// before and after; Updated is false when the newest was installed.
type SkillUpdate struct {
	ID      string         `json:"id"`
	From    string         `json:"from"`
	To      string         `json:"to"`
	Updated bool           `json:"updated"`
	Skill   InstalledSkill `json:"skill"`
}

// SkillVerification is the check of one installed skill (GET
// /api/v1/plugins/verify): OK when its files, manifest and signature
// pass the rules of its trust level; Problem says why not.
type SkillVerification struct {
	ID         string `json:"id"`
	Version    string `json:"version,omitempty"`
	Source     string `json:"source"`
	TrustLevel string `json:"trust_level,omitempty"`
	OK         bool   `json:"ok"`
	Signer     string `json:"signer,omitempty"`
	Problem    string `json:"problem,omitempty"`
}

// SkillBundle is an installed skill as a worker fetches it (GET
// /api/v1/worker/skills): every file, which the worker verifies again
// with its own pinned keys before it loads the skill.
type SkillBundle struct {
	ID      string            `json:"id"`
	Version string            `json:"version"`
	Source  string            `json:"source"`
	Files   map[string][]byte `json:"files"`
}

// ProposePlanRequest is the body of POST /api/v1/plans: a plan a person
// writes, which then waits for approval like any other.
type ProposePlanRequest struct {
	Title      string   `json:"title"`
	Rationale  string   `json:"rationale"`
	IncidentID string   `json:"incident_id,omitempty"`
	Actions    []Action `json:"actions"`
}

// StoredSkill is a marketplace (community) skill as the store keeps it,
// shared by every replica. Files are its files exactly as they were
// verified on install, encoded by plugins/skill/store (a JSON object from
// each path to its content), which also decodes them: the store keeps the
// bytes and vouches for nothing, and a row changed in the database is
// caught by the checks plugins/skill/store runs on every read.
type StoredSkill struct {
	ID          string
	Version     string
	Files       []byte
	InstalledAt time.Time
}
