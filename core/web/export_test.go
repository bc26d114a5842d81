// What the tests need of the package's inside.

package web

// SessionKey lets the tests find a browser's session in the store.
var SessionKey = sessionKey
