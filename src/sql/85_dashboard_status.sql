-- tweetlda install script, part 85: the BI schema's stream status (doc/dashboard.md), after the
-- lifecycle (part 80) because it shows the latest drift check of the active model.

-- The stream (what tweetlda.stream_status() says, as numbers): worker, counters, queue and lag;
-- the active and the serving model and the progress of the background rescoring after an
-- activation; the latest drift check of the active model with its main figures
-- (tweetlda.drift_history, which tweetlda_dashboard cannot read: the view reads it as its owner).
CREATE VIEW tweetlda_bi.stream_status AS
SELECT w.pid IS NOT NULL AS running, coalesce(s.enabled, false) AS enabled,
       extract(epoch FROM s.trigger_interval)::double precision AS trigger_interval_s,
       s.batch_size, s.batches, s.rows_scored,
       (SELECT count(*) FROM tweetlda.tweet_scores ts
        WHERE ts.scored_at > now() - '10 seconds'::interval)::double precision / 10 AS rows_per_second,
       q.n AS pending,
       coalesce(extract(epoch FROM now() - q.oldest), 0)::double precision AS lag_s,
       s.last_batch_at, s.last_batch_rows, s.last_batch_ms, s.errors, s.last_error, s.last_error_at,
       (SELECT max(ts.scored_at) FROM tweetlda.tweet_scores ts) AS last_scored_at,
       m.id AS model_id, m.name AS model_name, m.k AS model_topics,
       sv.id AS serving_model_id, sv.name AS serving_model_name,
       (s.rescore_started_at IS NOT NULL AND s.rescore_finished_at IS NULL) AS rescoring,
       s.rescore_model_id, s.rescore_total, s.rescore_done, s.rescore_started_at, s.rescore_finished_at,
       d.checked_at AS drift_checked_at, d.drifted, d.status AS drift_status,
       (SELECT string_agg(c.key, ',' ORDER BY c.key) FROM jsonb_each(d.figures -> 'checks') c
        WHERE (c.value ->> 'exceeded')::boolean) AS drift_exceeded,
       (d.figures #>> '{window,tweets}')::bigint AS drift_tweets,
       (d.figures #>> '{window,sampled}')::bigint AS drift_sampled,
       (d.figures #>> '{checks,log_perplexity_increase,value}')::double precision
           AS drift_log_perplexity_increase,
       (d.figures #>> '{checks,oov_rate_increase,value}')::double precision AS drift_oov_rate_increase,
       (d.figures #>> '{checks,no_word_share_increase,value}')::double precision
           AS drift_no_word_share_increase,
       (d.figures #>> '{checks,topic_jsd,value}')::double precision AS drift_topic_jsd,
       (d.figures #>> '{checks,sentiment_shift,value}')::double precision AS drift_sentiment_shift
FROM tweetlda.stream_state s
CROSS JOIN (SELECT s2.worker_pid AS pid FROM tweetlda.stream_state s2
            WHERE tweetlda.stream_backend_is_worker(s2.worker_pid)
            UNION ALL SELECT NULL LIMIT 1) w
CROSS JOIN (SELECT count(*) AS n, min(p.enqueued_at) AS oldest FROM tweetlda.pending p) q
LEFT JOIN tweetlda.models m ON m.active
LEFT JOIN tweetlda.models sv ON sv.id = (SELECT tweetlda.serving_model())
LEFT JOIN LATERAL (SELECT h.checked_at, h.drifted, h.status, h.figures FROM tweetlda.drift_history h
                   WHERE h.model_id = m.id ORDER BY h.checked_at DESC, h.id DESC LIMIT 1) d ON true;
COMMENT ON VIEW tweetlda_bi.stream_status IS
    'the stream: worker, counters, queue, lag, the active and the serving model, the rescoring after an activation, the latest drift check of the active model (one row)';
COMMENT ON COLUMN tweetlda_bi.stream_status.running IS 'whether the stream worker runs';
COMMENT ON COLUMN tweetlda_bi.stream_status.enabled IS 'whether the stream is switched on';
COMMENT ON COLUMN tweetlda_bi.stream_status.trigger_interval_s IS 'seconds between micro-batches';
COMMENT ON COLUMN tweetlda_bi.stream_status.batch_size IS 'most tweets per micro-batch';
COMMENT ON COLUMN tweetlda_bi.stream_status.batches IS 'micro-batches run';
COMMENT ON COLUMN tweetlda_bi.stream_status.rows_scored IS 'tweets scored by the stream';
COMMENT ON COLUMN tweetlda_bi.stream_status.rows_per_second IS 'tweets scored per second over the last 10 seconds';
COMMENT ON COLUMN tweetlda_bi.stream_status.pending IS 'tweets landed and not scored yet (the queue)';
COMMENT ON COLUMN tweetlda_bi.stream_status.lag_s IS 'age in seconds of the oldest queued tweet (0: empty queue)';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_at IS 'when the last micro-batch ended';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_rows IS 'tweets of the last micro-batch';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_batch_ms IS 'milliseconds the last micro-batch took';
COMMENT ON COLUMN tweetlda_bi.stream_status.errors IS 'micro-batches that failed';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_error IS 'the last error message';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_error_at IS 'when the last error happened';
COMMENT ON COLUMN tweetlda_bi.stream_status.last_scored_at IS 'when the newest score was written (by the stream or by hand)';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_id IS 'the active model (the one new tweets are scored with)';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_name IS 'the active model (the one new tweets are scored with)''s name';
COMMENT ON COLUMN tweetlda_bi.stream_status.model_topics IS 'the active model (the one new tweets are scored with)''s number of topics';
COMMENT ON COLUMN tweetlda_bi.stream_status.serving_model_id IS 'the model the views show: the active one, or while the window is rescored after an activation the one served before';
COMMENT ON COLUMN tweetlda_bi.stream_status.serving_model_name IS 'the serving model''s name';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescoring IS 'whether the window is being rescored in the background after an activation (the views switch when it is done)';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_model_id IS 'the model of the last activation, whose window is or was rescored';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_total IS 'tweets of the window to rescore (counted at activation, plus late ones)';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_done IS 'tweets of the window rescored so far';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_started_at IS 'when the last activation started the rescoring';
COMMENT ON COLUMN tweetlda_bi.stream_status.rescore_finished_at IS 'when the rescoring ended and the views switched (NULL while it runs)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_checked_at IS 'when the latest drift check of the active model ran (NULL: never checked)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drifted IS 'the latest drift check''s verdict: some figure exceeds its threshold';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_status IS 'the latest drift check''s status: ok, drifted, empty window, too few tweets or no baseline';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_exceeded IS 'the figures over their thresholds, comma-separated (NULL: none)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_tweets IS 'tweets of the checked window';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_sampled IS 'tweets of the window whose text was read (the sample)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_log_perplexity_increase IS 'held-out log perplexity per token of the sample minus at training (nats)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_oov_rate_increase IS 'out-of-vocabulary token rate of the sample minus at training (0 to 1)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_no_word_share_increase IS 'share of tweets without a known word minus at training (0 to 1)';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_topic_jsd IS 'Jensen-Shannon divergence (base 2, 0 to 1) of the top-topic shares, window vs training';
COMMENT ON COLUMN tweetlda_bi.stream_status.drift_sentiment_shift IS 'total variation distance (0 to 1) of the sentiment label shares, window vs training';
GRANT SELECT ON tweetlda_bi.stream_status TO tweetlda_dashboard;
