# The upgrade path: install the released 0.1.0, fill it (tweets, scores, a model, user stopwords
# and lexicon rows, a running stream), ALTER EXTENSION tweetlda UPDATE, check that the data and
# the stream survive, and compare the catalog with a fresh install of the current version.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my ($current) = do { local (@ARGV, $/) = "$root/tweetlda.control"; <> }
	=~ /^default_version\s*=\s*'([^']+)'/m;

# One line per property of every object of the extension, sorted: the shape of the catalog,
# with names instead of OIDs, so that two databases can be compared line by line.
my $catalog_sql = q{
-- ACL items in a fixed order (GRANT order differs between an update and a fresh install)
CREATE FUNCTION pg_temp.acl(aclitem[]) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$SELECT string_agg(x::text, ',' ORDER BY x::text) FROM unnest($1) x$$;
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'tweetlda'),
member AS (
    SELECT d.classid, d.objid FROM pg_depend d, ext
    WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
rel AS (
    SELECT c.* FROM pg_class c JOIN member m
      ON m.classid = 'pg_class'::regclass AND m.objid = c.oid),
lines(line) AS (
    SELECT format('function %s -> %s | kind %s lang %s vol %s strict %s parallel %s secdef %s leakproof %s cost %s rows %s config %s acl %s src %s bin %s comment %s',
                  p.oid::regprocedure, pg_get_function_result(p.oid), p.prokind, l.lanname,
                  p.provolatile, p.proisstrict, p.proparallel, p.prosecdef, p.proleakproof,
                  p.procost, p.prorows, p.proconfig, pg_temp.acl(p.proacl), md5(p.prosrc), p.probin,
                  obj_description(p.oid, 'pg_proc'))
    FROM pg_proc p JOIN member m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
    JOIN pg_language l ON l.oid = p.prolang
  UNION ALL
    SELECT format('aggregate %s | kind %s sfunc %s stype %s finalfn %s combine %s serial %s deserial %s init %s finalmodify %s',
                  a.aggfnoid::regprocedure, a.aggkind, a.aggtransfn, a.aggtranstype::regtype,
                  a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn, a.agginitval,
                  a.aggfinalmodify)
    FROM pg_aggregate a JOIN member m ON m.classid = 'pg_proc'::regclass AND m.objid = a.aggfnoid
  UNION ALL
    SELECT format('type %s | type %s len %s byval %s align %s storage %s in %s out %s recv %s send %s typmod_in %s elem %s delim %s notnull %s basetype %s default %s acl %s comment %s',
                  t.oid::regtype, t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage,
                  t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typelem,
                  t.typdelim, t.typnotnull, t.typbasetype::regtype, t.typdefault, pg_temp.acl(t.typacl),
                  obj_description(t.oid, 'pg_type'))
    FROM pg_type t JOIN member m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
  UNION ALL
    SELECT format('operator %s | commutator %s negator %s comment %s', o.oid::regoperator,
                  o.oprcom::regoperator, o.oprnegate::regoperator, obj_description(o.oid, 'pg_operator'))
    FROM pg_operator o JOIN member m ON m.classid = 'pg_operator'::regclass AND m.objid = o.oid
  UNION ALL
    SELECT format('cast %s -> %s | func %s context %s method %s', c.castsource::regtype,
                  c.casttarget::regtype, c.castfunc::regprocedure, c.castcontext, c.castmethod)
    FROM pg_cast c JOIN member m ON m.classid = 'pg_cast'::regclass AND m.objid = c.oid
  UNION ALL
    SELECT format('relation %s | kind %s persistence %s options %s acl %s partkey %s rowsecurity %s comment %s',
                  r.oid::regclass, r.relkind, r.relpersistence, r.reloptions, pg_temp.acl(r.relacl),
                  pg_get_partkeydef(r.oid), r.relrowsecurity, obj_description(r.oid, 'pg_class'))
    FROM rel r
  UNION ALL
    SELECT format('column %s.%s #%s | type %s notnull %s default %s identity %s generated %s collation %s acl %s comment %s',
                  r.oid::regclass, a.attname,
                  row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum),
                  format_type(a.atttypid, a.atttypmod), a.attnotnull,
                  pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                  a.attcollation::regcollation, pg_temp.acl(a.attacl), col_description(r.oid, a.attnum))
    FROM rel r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
    WHERE r.relkind <> 'i'
  UNION ALL
    SELECT format('constraint %s on %s | %s deferrable %s', c.conname, c.conrelid::regclass,
                  pg_get_constraintdef(c.oid), c.condeferrable)
    FROM pg_constraint c JOIN rel r ON r.oid = c.conrelid
  UNION ALL
    SELECT format('index on %s | %s', i.indrelid::regclass,
                  regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \S+', 'CREATE \1INDEX'))
    FROM pg_index i JOIN rel r ON r.oid = i.indrelid
  UNION ALL
    SELECT format('trigger on %s | %s', t.tgrelid::regclass, pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid
    WHERE NOT t.tgisinternal    -- triggers of users (their functions are not members) are theirs
      AND EXISTS (SELECT 1 FROM member m WHERE m.classid = 'pg_proc'::regclass AND m.objid = t.tgfoid)
  UNION ALL
    SELECT format('view %s | %s', r.oid::regclass, pg_get_viewdef(r.oid))
    FROM rel r WHERE r.relkind IN ('v', 'm')
  UNION ALL
    SELECT format('sequence %s | type %s start %s inc %s max %s min %s cycle %s',
                  s.seqrelid::regclass, s.seqtypid::regtype, s.seqstart, s.seqincrement,
                  s.seqmax, s.seqmin, s.seqcycle)
    FROM pg_sequence s JOIN rel r ON r.oid = s.seqrelid
  UNION ALL
    SELECT format('policy %s on %s | cmd %s roles %s using %s check %s', p.polname,
                  p.polrelid::regclass, p.polcmd, p.polroles::regrole[],
                  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    FROM pg_policy p JOIN rel r ON r.oid = p.polrelid
  UNION ALL
    SELECT format('config table %s | condition %s', c::regclass, e.extcondition[i])
    FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY AS u(c, i)
    WHERE e.extname = 'tweetlda'
  UNION ALL
    SELECT format('schema %s | acl %s comment %s', n.nspname, pg_temp.acl(n.nspacl),
                  obj_description(n.oid, 'pg_namespace'))
    FROM pg_namespace n WHERE n.nspname = 'tweetlda'
  UNION ALL
    SELECT format('member %s', pg_describe_object(m.classid, m.objid, 0)) FROM member m
)
SELECT line FROM lines ORDER BY line COLLATE "C";
};

# The contents of every table of the extension (the built-in stopwords, lexicons, ...).
my $contents_sql = q{
SELECT line FROM (
SELECT format('%s | rows %s md5 %s', c.oid::regclass,
              (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, false, '')))[1],
              (xpath('/row/h/text()', query_to_xml(format(
                  'SELECT md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text COLLATE "C"), '''')) AS h FROM %s t',
                  c.oid::regclass), false, false, '')))[1])
FROM pg_class c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
  AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
WHERE c.relkind IN ('r', 'p')) AS s(line)
ORDER BY line COLLATE "C";
};

# Show the lines that differ between two catalog listings (empty when equal).
sub catalog_diff
{
	my ($a, $b) = @_;
	my %in_a = map { $_ => 1 } split /\n/, $a;
	my %in_b = map { $_ => 1 } split /\n/, $b;
	my @only_a = grep { !$in_b{$_} } sort keys %in_a;
	my @only_b = grep { !$in_a{$_} } sort keys %in_b;
	return join("\n", (map { "- $_" } @only_a), (map { "+ $_" } @only_b));
}

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;

ok(-f "$root/upgrade/tweetlda--0.1.0.sql", 'the released 0.1.0 install script is kept');
isnt($current, '0.1.0', 'the current version is not 0.1.0');

# ---- An empty 0.1.0 installation updated: same catalog and same table contents as fresh.
$node->safe_psql('postgres', 'CREATE DATABASE empty_updated; CREATE DATABASE fresh');
$node->safe_psql('empty_updated', "CREATE EXTENSION tweetlda VERSION '0.1.0'");
is($node->safe_psql('empty_updated', "SELECT extversion FROM pg_extension WHERE extname = 'tweetlda'"),
	'0.1.0', 'the released 0.1.0 installs with the current library');
$node->safe_psql('empty_updated', 'ALTER EXTENSION tweetlda UPDATE');
$node->safe_psql('fresh', 'CREATE EXTENSION tweetlda');
is($node->safe_psql('empty_updated', "SELECT extversion FROM pg_extension WHERE extname = 'tweetlda'"),
	$current, "ALTER EXTENSION UPDATE goes to $current");
my $fresh_catalog = $node->safe_psql('fresh', $catalog_sql);
ok(scalar(split /\n/, $fresh_catalog) > 300, 'the catalog listing covers the extension');
is(catalog_diff($node->safe_psql('empty_updated', $catalog_sql), $fresh_catalog), '',
	'updated and fresh installations have the same catalog');
is(catalog_diff($node->safe_psql('empty_updated', $contents_sql), $node->safe_psql('fresh', $contents_sql)),
	'', 'updated and fresh installations have the same table contents');

# ---- A 0.1.0 installation in use: tweets, scores, a model, user rows, a running stream.
my $db = 'postgres';
$node->safe_psql($db, "CREATE EXTENSION tweetlda VERSION '0.1.0'");
load_sample($node, $db);
$node->safe_psql($db, q{
	INSERT INTO tweetlda.stopwords VALUES ('english', 'lol');
	INSERT INTO tweetlda.social_lexicon (token, valence) VALUES ('yeet', 2.5)});
setup_model($node, $db);
land_tweets($node, $db, 1, 1000);
my $pid = $node->safe_psql($db, "SELECT tweetlda.start_stream('100 ms', 300)");
ok($pid > 0, 'the stream runs on 0.1.0');
wait_scored($node, $db, 1000);
add_score_log($node, $db);

my $probe = q{SELECT tweetlda.top_topic('stream_test', 'Flood waters rising in Queensland tonight'),
	tweetlda.topics('stream_test', 'Flood waters rising in Queensland tonight')::text,
	tweetlda.tokenize('lol the floods are rising'),
	tweetlda.polarity('yeet this is great', 'social'), tweetlda.polarity('not bad at all')};
my $data = q{SELECT (SELECT count(*) FROM tweetlda.tweets), (SELECT count(*) FROM tweetlda.tweet_scores),
	(SELECT md5(string_agg(tweet_id || ':' || top_topic || ':' || polarity, ',' ORDER BY tweet_id))
	 FROM tweetlda.tweet_scores),
	(SELECT count(*) FROM tweetlda.models), (SELECT count(topic) FROM tweetlda.topic_summary)};
my $probe_before = $node->safe_psql($db, $probe);
my $data_before = $node->safe_psql($db, $data);

$node->safe_psql($db, 'ALTER EXTENSION tweetlda UPDATE');
is($node->safe_psql($db, "SELECT extversion FROM pg_extension WHERE extname = 'tweetlda'"),
	$current, 'the database in use is updated');
is($node->safe_psql($db, $data), $data_before, 'tweets, scores and models survive the update');
is($node->safe_psql($db, $probe), $probe_before,
	'the model, the user stopword and the user lexicon row give the same results after the update');
# The model trained by 0.1.0's train() keeps its weighting (tfidf, the 0.1.0 default) and gets
# relevance ranking, words and labels; the views add up to the scored tweets.  (Reading format
# version 1 model values, as 0.1.0's library wrote them, is tested by sql/lda_topics.sql.)
is($node->safe_psql($db, q{SELECT tweetlda.model_info('stream_test')->>'weighting',
	(SELECT count(*) = 5 * 4 FROM tweetlda.topic_terms('stream_test', 4)),
	(SELECT count(DISTINCT term) > 0 FROM tweetlda.topic_terms('stream_test', 4, lambda => 0.2)),
	tweetlda.topic_label('stream_test', 1) LIKE '% · % · %',
	(SELECT sum(tweets) = (SELECT count(*) FROM tweetlda.tweet_scores) FROM tweetlda.topic_summary)}),
	'tfidf|t|t|t|t', 'a 0.1.0 model keeps its weighting, gets relevance, words and labels; the views add up');

# The stream goes on: new tweets are scored exactly once.
land_tweets($node, $db, 1001, 1600);
wait_scored($node, $db, 1600);
check_exactly_once($node, $db);
ok($node->safe_psql($db, 'SELECT running FROM tweetlda.stream_status()') eq 't',
	'the stream is running after the update');
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');

# The used database's catalog equals the fresh one as well (user objects are not members).
is(catalog_diff($node->safe_psql($db, $catalog_sql), $fresh_catalog), '',
	'the updated database in use has the catalog of a fresh installation');

$node->stop;
done_testing();
