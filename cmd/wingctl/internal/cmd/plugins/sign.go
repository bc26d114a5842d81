// "wingctl plugins sign".

package plugins

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/iostreams"
	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/signature"
)

// SignOptions are the inputs of "wingctl plugins sign".
type SignOptions struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string

	Dir string
	Key string
}

// NewCmdSign returns "wingctl plugins sign"; runF replaces the run in
// tests.
func NewCmdSign(f *cmdutil.Factory, runF func(*SignOptions) error) *cobra.Command {
	opts := &SignOptions{IO: f.IOStreams, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "sign <skill-folder> --key <private-key>",
		Short: "Sign a skill's folder with a maintainer key",
		Long: `Write <skill-folder>/signature.sig: the canonical list of the skill's id,
version and the SHA-256 of every other file in the folder, followed by the
minisign signature of that list. The manifest is checked first; symlinks,
special files and oversized skills are refused. Sign last: any change to
any file afterwards, or a file added or removed, makes the signature fail.

The key's password comes from $WINGMAN_SIGNING_PASSWORD when the key is
encrypted. Needs no server.`,
		Example: `  WINGMAN_SIGNING_PASSWORD=... wingctl plugins sign plugins/container-restart --key ~/keys/wingman-maintainer.key`,
		Args:    cmdutil.ExactArgs(1, "the skill's folder"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.Key == "" {
				return cmdutil.FlagErrorf("--key is required: the maintainer's private key file")
			}
			if runF != nil {
				return runF(opts)
			}
			return signRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Key, "key", "", "the private key file made by keygen (required)")
	return cmd
}

func signRun(opts *SignOptions) error {
	keyText, err := os.ReadFile(opts.Key)
	if err != nil {
		return err
	}
	key, err := signature.ParsePrivateKey(keyText, opts.Getenv(PasswordEnv))
	if err != nil {
		return err
	}
	b, err := bundle.ReadDir(opts.Dir)
	if err != nil {
		return err
	}
	files := b.Files()
	delete(files, signature.FileName) // a signature never signs itself
	if b, err = bundle.New(files); err != nil {
		return err
	}
	m, err := b.Manifest()
	if err != nil {
		return err
	}
	sig, err := signature.Sign(key, b)
	if err != nil {
		return err
	}
	path := filepath.Join(opts.Dir, signature.FileName)
	if err := os.WriteFile(path, sig, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Signed %s %s (%d files) with key %s: %s\n", m.ID, m.Version, len(b.Names()),
		signature.KeyID(key.ID()), path)
	return nil
}
