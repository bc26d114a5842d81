#!/usr/bin/env python3
"""revoked-signer: a marketplace fixture that is refused before it could run (see
its README); its code is never executed, so it is kept to this line."""
raise SystemExit("revoked-signer must never run")
