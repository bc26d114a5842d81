// "wingctl plugins keygen".

package plugins

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// PasswordEnv holds the password of a maintainer's private key.
const PasswordEnv = "WINGMAN_SIGNING_PASSWORD"

// KeygenOptions are the inputs of "wingctl plugins keygen".
type KeygenOptions struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Out        string
	Name       string
	NoPassword bool
}

// NewCmdKeygen returns "wingctl plugins keygen"; runF replaces the run in
// tests.
func NewCmdKeygen(f *cmdutil.Factory, runF func(*KeygenOptions) error) *cobra.Command {
	opts := &KeygenOptions{IO: f.IOStreams, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "keygen --out <prefix>",
		Short: "Make a maintainer key pair for signing skills",
		Long: `Make a minisign (Ed25519) key pair for signing skills: <prefix>.pub, the
public key to pin on control planes and workers, and <prefix>.key, the
private key (mode 0600), encrypted with the password in
$WINGMAN_SIGNING_PASSWORD unless --no-password. Existing files are never
overwritten. Needs no server.

It prints the entry to add under "keys:" in the MARKETPLACE_KEYS file of
every control plane and worker that should trust the key. To retire a key,
add its id under "revoked:" there.`,
		Example: `  WINGMAN_SIGNING_PASSWORD=... wingctl plugins keygen --out ~/keys/wingman-maintainer --name "Ada, 2025"
  wingctl plugins keygen --out ./ci-key --no-password`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Out == "" {
				return cmdutil.FlagErrorf("--out is required: the path prefix of the two key files")
			}
			if runF != nil {
				return runF(opts)
			}
			return keygenRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "", "path prefix of the key files: <out>.pub and <out>.key (required)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "who holds the key, for the keyring entry")
	cmd.Flags().BoolVar(&opts.NoPassword, "no-password", false, "leave the private key unencrypted (a CI secret store, tests)")
	return cmd
}

func keygenRun(opts *KeygenOptions) error {
	password := opts.Getenv(PasswordEnv)
	if password == "" && !opts.NoPassword {
		return cmdutil.FlagErrorf("set $%s to encrypt the private key, or pass --no-password", PasswordEnv)
	}
	if opts.NoPassword {
		password = ""
	}
	pub, priv, err := signature.GenerateKey(password)
	if err != nil {
		return err
	}
	// The private key first, created exclusively: an existing key is never
	// lost to a second keygen.
	if err := writeNew(opts.Out+".key", priv, 0o600); err != nil {
		return err
	}
	if err := writeNew(opts.Out+".pub", pub, 0o644); err != nil {
		return err
	}
	id, err := signature.PublicKeyID(string(pub))
	if err != nil {
		return err
	}
	lines := strings.Split(strings.TrimSpace(string(pub)), "\n")
	name := opts.Name
	if name == "" {
		name = "maintainer key " + id
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote %s.pub and %s.key (key id %s). Pin it with this entry under \"keys:\" in MARKETPLACE_KEYS:\n", opts.Out, opts.Out, id)
	fmt.Fprintf(opts.IO.Out, "  - id: %s\n    name: %q\n    public_key: %s\n", id, name, lines[len(lines)-1])
	return nil
}

func writeNew(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%s exists; keygen never overwrites a key", path)
	}
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close())
}
