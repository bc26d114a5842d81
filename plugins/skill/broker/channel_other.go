//go:build !unix

package broker

import (
	"errors"
	"os"
)

// Channel needs Unix sockets; skills run on Unix workers only.
func Channel() (broker, skill *os.File, err error) {
	return nil, nil, errors.New("broker: skills need a Unix worker")
}
