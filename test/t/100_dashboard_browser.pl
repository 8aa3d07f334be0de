# The dashboard in a browser: tweetlda-dashboard on a demo-like database (the sample tweets,
# a model, the stream worker), the page opened in headless Chromium (driven over the DevTools
# pipe by test/tools/cdp-page.js); every panel holds data, a tweet landed after the page opened
# appears without a reload, hostile tweet text stays text; the JSON endpoints answer 400 for bad
# parameters and 503 while the database is down, and work again after it is back.  The
# screenshot is kept in the test folder (dashboard.png).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run qw(start pump finish timeout);
use HTTP::Tiny;
use JSON::PP;
use IO::Socket::INET;
use FindBin;
BEGIN { require "$FindBin::Bin/060_stream_common.pm"; StreamTest->import; }

my $root = $ENV{TWEETLDA_ROOT} or die "TWEETLDA_ROOT is not set";
my $chromium = '/usr/bin/chromium';
plan skip_all => 'chromium is not installed (make deps installs it)' unless -x $chromium;
plan skip_all => 'node is not installed (make deps installs nodejs)' unless -x '/usr/bin/node';

my $node = PostgreSQL::Test::Cluster->new('dashboard');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION tweetlda');
load_sample($node, $db);
setup_model($node, $db);
# the sample's texts, spread over the last 24 hours
$node->safe_psql($db, q{
	SELECT tweetlda.ingest_batch(ARRAY(
		SELECT jsonb_build_object('id', s.rn, 'text', s.text,
		                          'created_at', now() - (s.rn % 1440) * interval '1 minute')::text
		FROM public.sample s WHERE s.rn <= 2000));
	CREATE ROLE dash LOGIN IN ROLE tweetlda_dashboard;});
$node->safe_psql($db, "SELECT tweetlda.start_stream('200 ms', 5000)");
wait_scored($node, $db, 2000);
# hostile text (markup, a script end tag, quotes, control characters, U+2028), scored last
$node->safe_psql($db, q{SELECT tweetlda.ingest(jsonb_build_object('id', 900001, 'created_at', now(),
	'text', E'<img src=x onerror="document.body.dataset.pwned=1"></script>"\\ \u0001\u2028 flood'))});
wait_scored($node, $db, 2001);
# a drift check of the active model, for the stream panel
my $drift_status = $node->safe_psql($db, 'SELECT status FROM tweetlda.drift()');

# Start the dashboard as the read-only login.
my $port = PostgreSQL::Test::Cluster::get_free_port();
my $sharedir = `pg_config --sharedir`;
chomp $sharedir;
my $conninfo = sprintf("host=%s port=%d dbname=%s user=dash", $node->host, $node->port, $db);
my $dash_log = "$PostgreSQL::Test::Utils::tmp_check/dashboard.log";
my $dash = start(['tweetlda-dashboard', '--listen', "127.0.0.1:$port",
		'--assets', "$sharedir/tweetlda/dashboard", $conninfo],
	'>', $dash_log, '2>>', $dash_log);
my $base = "http://127.0.0.1:$port";
my $http = HTTP::Tiny->new(timeout => 10);
my $up = 0;
for (1 .. 100) { last if ($up = $http->get("$base/api/status")->{success}); select(undef, undef, undef, 0.1); }
ok($up, 'the dashboard answers');

# ---- The JSON endpoints.
for my $ep (qw(topics sentiment polarity timeline words latest status)) {
	my $r = $http->get("$base/api/$ep");
	is($r->{status}, 200, "/api/$ep answers 200");
	like($r->{headers}{'content-type'}, qr{^application/json}, "/api/$ep is JSON");
}
for my $bad ('topics?topic=x', 'topics?topic=1;DROP', 'timeline?from=abc', 'latest?limit=0',
	'latest?limit=1000', 'sentiment?sentiment=happy', 'topics?from=10&to=5', 'words?nope=1') {
	is($http->get("$base/api/$bad")->{status}, 400, "/api/$bad is refused with 400");
}
is($http->request('POST', "$base/api/topics")->{status}, 405, 'POST is refused');
# (HTTP::Tiny sets Host itself: a raw request)
my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port) or die "connect: $!";
print $sock "GET /api/topics HTTP/1.0\r\nHost: attacker.example\r\n\r\n";
like(scalar(<$sock>), qr{^HTTP/1\.[01] 403}, 'a foreign Host header is refused on a loopback address');
close $sock;
# the stream status: the serving model, the rescoring progress, the latest drift check
my $status = JSON::PP::decode_json($http->get("$base/api/status")->{content});
is(join('|', map { $status->{$_} // 'null' } qw(model_name serving_model_name rescoring drift_status)),
	"stream_test|stream_test|0|$drift_status", '/api/status: the serving model and the latest drift check');
ok($status->{drift_checked_ms} > 0 && $status->{drift_sampled} > 0
	  && defined $status->{drift_oov_rate_increase} && defined $status->{drift_topic_jsd}
	  && exists $status->{rescore_done} && exists $status->{drifted},
	'/api/status: the drift figures and the rescoring progress');
my $latest = $http->get("$base/api/latest?limit=1")->{content};
like($latest, qr/\\u003cimg src=x onerror=\\"document/, 'hostile text: < and quotes are escaped in JSON');
unlike($latest, qr/[\x00-\x1f<>]|\xe2\x80\xa8/, 'no raw control character, <, > or U+2028 in the JSON');
like($http->get("$base/")->{headers}{'content-security-policy'}, qr/script-src 'self'/,
	'the page is served with a Content-Security-Policy');
my $chart = $http->get("$base/chart.js");
like($chart->{content}, qr/Chart\.js v/, 'Chart.js is served from the Debian package');

# ---- The page in headless Chromium.
my $tap = $ENV{TESTDIR} // $PostgreSQL::Test::Utils::tmp_check;
my $profile = "$PostgreSQL::Test::Utils::tmp_check/chromium-profile";
mkdir $profile;
my ($in, $out) = ('', '');
my $browser = start(['node', "$root/test/tools/cdp-page.js", $chromium, $profile, "$base/",
		"$PostgreSQL::Test::Utils::tmp_check/page"], '<', \$in, '>', \$out, timeout(180));
# Send a command to the browser driver and wait for its answer line.
sub browser
{
	my ($cmd) = @_;
	$in .= "$cmd\n" if defined $cmd;
	$out = '' if defined $cmd;
	pump $browser until $out =~ /\n/;
	my ($line) = $out =~ /^(.*)\n/;
	$out = '';
	return $line;
}
is(browser(undef), 'ready', 'the page loaded its panels');
is(browser(q{wait-js [...document.querySelectorAll('[data-points]')].every(e => Number(e.dataset.points) > 0) 30}),
	'ok', 'every panel holds data');
browser('dom first');
my $dom = slurp_file("$PostgreSQL::Test::Utils::tmp_check/page-first.html");
my %points = $dom =~ /id="(p-[a-z]+)"[^>]*data-points="(\d+)"/g;
is(join(',', sort keys %points), 'p-latest,p-polarity,p-sentiment,p-status,p-timeline,p-topics,p-words',
	'the DOM dump names every panel');
ok(!grep({ $_ == 0 } values %points), 'no panel is empty: ' . join(' ', map {"$_=$points{$_}"} sort keys %points));
like($dom, qr/id="live" data-state="live"/, 'the live channel is connected');
like($dom, qr{<dt>serving</dt><dd>stream_test \(switched [^<]+, 0 tweets rescored\)</dd>},
	'the stream panel shows the serving model (its activation had no tweet to rescore)');
like($dom, qr{<dt>drift</dt><dd>(?:\Q$drift_status\E|DRIFTED \([a-z_,]*\)), checked [^<]+</dd>},
	'the stream panel shows the latest drift check');
like($dom, qr{<dt>drift figures</dt><dd>perplexity [-+]\d\.\d{3} nats, unknown words [-+]\d\.\d{3}, [^<]*topic JSD \d\.\d{3}, sentiment shift \d\.\d{3} \(\d+ of \d+ tweets\)</dd>},
	'the stream panel shows the drift figures');
like($dom, qr/&lt;img src=x onerror=/, 'hostile text is shown as text');
unlike($dom, qr/<img /, 'hostile text made no element');
unlike($dom, qr/data-pwned/, 'hostile text ran no script');

# A tweet landed now appears without a reload (server-sent events, then the panels reload).
$node->safe_psql($db, q{SELECT tweetlda.ingest(jsonb_build_object('id', 900002, 'created_at', now(),
	'text', 'Live tweet: the flood waters reach the bridge in Brisbane'))});
is(browser(q{wait-js document.querySelector('tr[data-tweet-id="900002"]') 30}), 'ok',
	'a tweet landed after the page opened appears without a reload');
browser('dom live');
like(slurp_file("$PostgreSQL::Test::Utils::tmp_check/page-live.html"), qr/the flood waters reach the bridge/,
	'the DOM holds the new tweet');
is(browser('shot dashboard'), 'ok', 'screenshot taken');
is(browser('shot dashboard-small 0.6'), 'ok', 'small screenshot taken (the README\'s doc/dashboard.png)');
for my $name ('dashboard', 'dashboard-small') {
	PostgreSQL::Test::Utils::system_log('cp', "$PostgreSQL::Test::Utils::tmp_check/page-$name.png", "$tap/$name.png");
	ok(-s "$tap/$name.png" > 10000, "screenshot saved as $tap/$name.png");
}
$in .= "quit\n";
finish $browser;

# ---- Database down: 503, then it reconnects by itself.
$node->safe_psql($db, 'SELECT tweetlda.stop_stream()');
$node->stop('fast');
is($http->get("$base/api/topics")->{status}, 503, '503 while the database is down');
$node->start;
my $back = 0;
for (1 .. 50) { last if ($back = $http->get("$base/api/topics")->{status} == 200); sleep 1; }
ok($back, 'the dashboard reconnects by itself when the database is back');

# ---- It stops on SIGTERM.
$dash->signal('TERM');
ok(eval { finish $dash; 1 } // 0, 'the dashboard exits on SIGTERM');
is($dash->full_result(0), 0, 'with status 0');
$node->stop;
done_testing();
