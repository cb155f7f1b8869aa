-- dev-postgres: one database per service, each with the two roles prod's
-- CloudNativePG clusters have: <service>_migrator owns the database and the
-- schema (the init container migrates as it), <service>_runtime may only
-- read and write rows (the server runs as it). Runs once, on an empty data
-- directory. Development passwords only.

CREATE ROLE intake_migrator LOGIN PASSWORD 'dev-intake-migrator';
CREATE ROLE intake_runtime LOGIN PASSWORD 'dev-intake-runtime';
CREATE DATABASE intake OWNER intake_migrator;
REVOKE ALL ON DATABASE intake FROM PUBLIC;
GRANT CONNECT ON DATABASE intake TO intake_runtime;
\connect intake
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO intake_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE intake_migrator IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO intake_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE intake_migrator IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO intake_runtime;
\connect postgres

CREATE ROLE resolution_migrator LOGIN PASSWORD 'dev-resolution-migrator';
CREATE ROLE resolution_runtime LOGIN PASSWORD 'dev-resolution-runtime';
CREATE DATABASE resolution OWNER resolution_migrator;
REVOKE ALL ON DATABASE resolution FROM PUBLIC;
GRANT CONNECT ON DATABASE resolution TO resolution_runtime;
\connect resolution
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO resolution_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE resolution_migrator IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO resolution_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE resolution_migrator IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO resolution_runtime;
\connect postgres

CREATE ROLE notification_migrator LOGIN PASSWORD 'dev-notification-migrator';
CREATE ROLE notification_runtime LOGIN PASSWORD 'dev-notification-runtime';
CREATE DATABASE notification OWNER notification_migrator;
REVOKE ALL ON DATABASE notification FROM PUBLIC;
GRANT CONNECT ON DATABASE notification TO notification_runtime;
\connect notification
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO notification_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE notification_migrator IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO notification_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE notification_migrator IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO notification_runtime;
\connect postgres

CREATE ROLE feedback_migrator LOGIN PASSWORD 'dev-feedback-migrator';
CREATE ROLE feedback_runtime LOGIN PASSWORD 'dev-feedback-runtime';
CREATE DATABASE feedback OWNER feedback_migrator;
REVOKE ALL ON DATABASE feedback FROM PUBLIC;
GRANT CONNECT ON DATABASE feedback TO feedback_runtime;
\connect feedback
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO feedback_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE feedback_migrator IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO feedback_runtime;
ALTER DEFAULT PRIVILEGES FOR ROLE feedback_migrator IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO feedback_runtime;
\connect postgres
