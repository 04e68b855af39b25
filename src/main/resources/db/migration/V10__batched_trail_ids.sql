-- The audit trail and the activity history take their ids in blocks of 50 (Hibernate's pooled sequence
-- optimizer: a nextval of v stands for the ids v-49 .. v), so that the entries of many uses recorded in one
-- transaction are inserted as one JDBC batch instead of one INSERT ... RETURNING round trip each. Ids stay unique
-- across replicas (each block is one nextval); rows inserted by SQL without an id (the refresh counter) take a
-- nextval of their own, whose block no one else uses. Plain sequences, not identity columns: Hibernate's schema
-- validation does not see an identity column's sequence.
ALTER TABLE audit_log ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE audit_log_ids INCREMENT BY 50 OWNED BY audit_log.id;
SELECT setval('audit_log_ids', COALESCE((SELECT max(id) FROM audit_log), 0) + 50, false);
ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT nextval('audit_log_ids');

ALTER TABLE connection_activity ALTER COLUMN id DROP IDENTITY;
CREATE SEQUENCE connection_activity_ids INCREMENT BY 50 OWNED BY connection_activity.id;
SELECT setval('connection_activity_ids', COALESCE((SELECT max(id) FROM connection_activity), 0) + 50, false);
ALTER TABLE connection_activity ALTER COLUMN id SET DEFAULT nextval('connection_activity_ids');
