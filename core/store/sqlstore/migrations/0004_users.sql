-- Single sign-on (issue #6): the role an admin gave a user, which wins over
-- the role the user's groups map to at each sign-in; empty when none was
-- given. users.role keeps what the groups mapped to at the newest sign-in.
ALTER TABLE users ADD COLUMN role_override TEXT NOT NULL DEFAULT '';
