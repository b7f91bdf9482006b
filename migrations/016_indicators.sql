-- Indicators and rankings (双十条 / 晾晒排名, issue 6). The scoring configuration is versioned: every
-- PUT adds a version (who, when), the highest is current, so a published list can always say
-- which weights and thresholds made it. Past months' rankings are snapshotted per config version
-- (the current month is computed live on request and never stored).

CREATE TABLE ranking_config_versions (
  version     integer PRIMARY KEY CHECK (version >= 1),
  -- Validated by RankingConfigSchema (server/indicators/schema.ts) before it gets here.
  config      jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ranking_snapshots (
  level           text NOT NULL CHECK (level IN ('town', 'village')),
  -- The first day of the month ranked.
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  config_version  integer NOT NULL REFERENCES ranking_config_versions (version),
  computed_at     timestamptz NOT NULL DEFAULT now(),
  -- The whole answer (areas, scores, ranks, colours, indicator values) as served.
  ranking         jsonb NOT NULL,
  PRIMARY KEY (level, month, config_version)
);
