// Package domain holds Wingman's vocabulary: the types that the store keeps,
// the API carries and every program shares. It has no behaviour beyond small
// validations, so that every other package can import it.
package domain
