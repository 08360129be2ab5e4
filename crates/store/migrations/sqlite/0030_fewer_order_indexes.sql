-- Every order wrote an entry into the team, campaign and settlement indexes,
-- even the many that have no team or campaign and are not complete: a
-- flash deal's burst of orders paid for three index writes each that no
-- query reads. Each index now holds only the orders its queries look for.
DROP INDEX orders_team;
CREATE INDEX orders_team ON orders(team_id) WHERE team_id IS NOT NULL;
DROP INDEX orders_campaign;
CREATE INDEX orders_campaign ON orders(campaign_id, status) WHERE campaign_id IS NOT NULL;
DROP INDEX orders_to_settle;
CREATE INDEX orders_to_settle ON orders(completed_at) WHERE settled_at IS NULL AND completed_at IS NOT NULL;
