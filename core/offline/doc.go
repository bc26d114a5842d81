// Package offline is a worker's durable buffer: the outbox every envelope
// passes through on its way to the control plane, and the inbox of tasks
// the worker holds. Online and offline take one path: an envelope is
// written to disk first (temp file, fsync, rename, fsync of the folder),
// sent, and deleted only once the control plane has confirmed it, so the
// offline path is exercised all the time and a crash at any point loses
// nothing that was written.
//
// The layout of OFFLINE_BUFFER_DIR:
//
//	facts-2024-01-15T10-30-00.123456789Z.json   envelopes waiting, as sent
//	health-….json, logs-….json
//	execution-result-<task_id>.json
//	quarantine/   torn or corrupt files, moved aside and counted, never sent
//	inbox/        task-<task_id>.json: tasks held, so a restart loses none
//	state/        gaps.json (drops not yet reported), sync.key
//
// The names carry nanoseconds, which DESIGN.md's example leaves out:
// a worker writes several envelopes in one second (a collection, a Docker
// event, a heartbeat), and each file must have a name of its own.
package offline
