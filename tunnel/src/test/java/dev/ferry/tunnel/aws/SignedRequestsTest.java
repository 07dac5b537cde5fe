package dev.ferry.tunnel.aws;

import dev.ferry.tunnel.testsupport.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tunnel.ca.LocalCa;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * What the proxy forwards of a signed request: only the headers the client signed, and never
 * a request with unsigned x-amz-* headers (as S3 refuses them); and Signature Version 2, as the
 * real AWS CLI v1 ({@code aws s3 presign}) and boto3 make it, verified and re-signed with SigV4.
 */
class SignedRequestsTest {

    @TempDir
    static Path dir;
    static MotoServer moto;
    static LocalCa ca;
    static AwsProxy endpoint;
    static AwsProxy connect;
    static S3Client direct;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        moto = new MotoServer().start();
        ca = LocalCa.loadOrCreate(dir.resolve("ca"));
        endpoint = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.ENDPOINT_URL, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(moto.uri()), ca));
        connect = AwsProxy.start(new AwsProxyConfig(0, ProxyMode.HTTPS_PROXY, LocalCredentials.random(),
                () -> AwsCredentialsIdentity.create("testing", "testing"), UpstreamResolver.fixed(moto.uri()), ca));
        direct = S3Client.builder().endpointOverride(moto.uri()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        direct.createBucket(b -> b.bucket("signed-bucket"));
        direct.putObject(b -> b.bucket("signed-bucket").key("hello.txt"), RequestBody.fromString("hello from moto"));
        http = HttpClient.newBuilder().sslContext(ProxyClients.trusting(ca)).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {endpoint, connect, moto}) {
            if (c != null) {
                c.close();
            }
        }
    }

    // ---- headers the client did not sign ------------------------------------------------------

    /** A SigV4 PUT signed by the SDK's signer, with {@code extra} headers added after signing. */
    HttpResponse<String> putSignedThenAdd(String key, Map<String, String> extra) throws Exception {
        byte[] body = ("object " + key).getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest req = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).protocol("https").host("127.0.0.1")
                .port(endpoint.localAddress().getPort()).encodedPath("/signed-bucket/" + key)
                .putHeader("Content-Length", Integer.toString(body.length)).build();
        LocalCredentials local = endpoint.localCredentials();
        SignedRequest signed = AwsV4HttpSigner.create().sign(SignRequest.builder(
                        AwsCredentialsIdentity.create(local.accessKeyId(), local.secretAccessKey()))
                .request(req).payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true).build());
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(endpoint.endpointUrl() + "/signed-bucket/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(Duration.ofSeconds(30));
        signed.request().forEachHeader((k, v) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                rb.header(k, v.get(0));
            }
        });
        extra.forEach(rb::header);
        return http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
    }

    boolean exists(String key) {
        try {
            direct.headObject(b -> b.bucket("signed-bucket").key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void unsignedAmzHeaderIsRefusedAndNeverApplied() throws Exception {
        HttpResponse<String> r = putSignedThenAdd("acl.txt", Map.of("x-amz-acl", "public-read"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>AccessDenied</Code>").contains("not signed: x-amz-acl");
        assertThat(exists("acl.txt")).isFalse();
        HttpResponse<String> ok = putSignedThenAdd("acl-ok.txt", Map.of());
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        List<Grant> grants = direct.getObjectAcl(b -> b.bucket("signed-bucket").key("acl-ok.txt")).grants();
        assertThat(grants).noneMatch(g -> String.valueOf(g.grantee().uri()).contains("AllUsers"));
    }

    @Test
    void unsignedOrdinaryHeadersAreNotForwarded() throws Exception {
        HttpResponse<String> r = putSignedThenAdd("disposition.txt",
                Map.of("Content-Disposition", "attachment; filename=evil.exe", "Cache-Control", "public, max-age=99999"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var head = direct.headObject(b -> b.bucket("signed-bucket").key("disposition.txt"));
        assertThat(head.contentDisposition()).isNull();
        assertThat(head.cacheControl()).isNull();
    }

    // ---- Signature Version 2 ----------------------------------------------------------------------

    static String run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.toLowerCase().endsWith("_proxy"));
        pb.environment().put("AWS_CONFIG_FILE", dir.resolve("none").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out.strip();
    }

    static Map<String, String> creds(AwsProxy p) {
        return Map.of("AWS_ACCESS_KEY_ID", p.localCredentials().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", p.localCredentials().secretAccessKey(), "AWS_DEFAULT_REGION", "us-east-1");
    }

    /** Fetches a URL with Python's urllib, through {@code proxy} when given, trusting Ferry's CA. */
    static String fetch(String url, AwsProxy proxy) throws Exception {
        Path script = dir.resolve("fetch.py");
        Files.writeString(script, String.join("\n",
                "import ssl, sys, urllib.request, urllib.error",
                "ctx = ssl.create_default_context(cafile=sys.argv[2])",
                "handlers = [urllib.request.HTTPSHandler(context=ctx)]",
                "if sys.argv[3]: handlers.append(urllib.request.ProxyHandler({'https': sys.argv[3]}))",
                "try:",
                "    print('200', urllib.request.build_opener(*handlers).open(sys.argv[1], timeout=60).read().decode())",
                "except urllib.error.HTTPError as e:",
                "    print(e.code, e.read().decode())",
                ""));
        return run(Map.of(), "python3", script.toString(), url, ca.certificatePemPath().toString(),
                proxy == null ? "" : proxy.proxyUrl());
    }

    @Test
    void awsCliPresignUrlsWorkThroughBothModes() throws Exception {
        Map<String, String> viaProxy = new java.util.HashMap<>(creds(connect));
        viaProxy.put("HTTPS_PROXY", connect.proxyUrl());
        viaProxy.put("AWS_CA_BUNDLE", ca.certificatePemPath().toString());
        String url = run(viaProxy, "aws", "s3", "presign", "s3://signed-bucket/hello.txt");
        assertThat(url).contains("AWSAccessKeyId=" + connect.localCredentials().accessKeyId()).contains("Signature=")
                .startsWith("https://signed-bucket.s3.amazonaws.com/");
        assertThat(fetch(url, connect)).isEqualTo("200 hello from moto");

        String local = run(creds(endpoint), "aws", "s3", "presign", "s3://signed-bucket/hello.txt",
                "--endpoint-url", endpoint.endpointUrl());
        assertThat(local).contains("AWSAccessKeyId=").startsWith(endpoint.endpointUrl() + "/signed-bucket/hello.txt");
        assertThat(fetch(local, null)).isEqualTo("200 hello from moto");

        String tampered = local.replace("hello.txt", "hello.txt2");
        assertThat(fetch(tampered, null)).startsWith("403").contains("Signature Version 2").contains("SignatureDoesNotMatch");
    }

    @Test
    void boto3SigV2PresignAndHeaderSigningWork() throws Exception {
        Path script = dir.resolve("sigv2.py");
        Files.writeString(script, String.join("\n",
                "import boto3, sys, ssl, urllib.request, urllib.error",
                "from botocore.config import Config",
                "endpoint, ca, key, secret, proxy, pkey, psecret = sys.argv[1:8]",
                "ctx = ssl.create_default_context(cafile=ca)",
                "def get(url, via=None):",
                "    h = [urllib.request.HTTPSHandler(context=ctx)] + ([urllib.request.ProxyHandler({'https': via})] if via else [])",
                "    try:",
                "        return urllib.request.build_opener(*h).open(url, timeout=60).read().decode()",
                "    except urllib.error.HTTPError as e:",
                "        return 'HTTP %d %s' % (e.code, e.read().decode().replace('\\n', ' '))",
                "s3 = boto3.client('s3', endpoint_url=endpoint, verify=ca, region_name='us-east-1',",
                "                  aws_access_key_id=key, aws_secret_access_key=secret)",
                "url = s3.generate_presigned_url('get_object', Params={'Bucket': 'signed-bucket', 'Key': 'hello.txt'})",
                "print('presign-v2', 'AWSAccessKeyId=' in url, get(url))",
                "bad = boto3.client('s3', endpoint_url=endpoint, verify=ca, region_name='us-east-1',",
                "                   aws_access_key_id=key, aws_secret_access_key='wrong' + secret)",
                "print('wrong-secret', get(bad.generate_presigned_url('get_object', Params={'Bucket': 'signed-bucket', 'Key': 'hello.txt'})))",
                "expired = s3.generate_presigned_url('get_object', Params={'Bucket': 'signed-bucket', 'Key': 'hello.txt'}, ExpiresIn=-10)",
                "print('expired', get(expired))",
                "import os",
                "os.environ['HTTPS_PROXY'] = proxy",
                "v2 = boto3.client('s3', verify=ca, region_name='us-east-1', config=Config(signature_version='s3'),",
                "                  aws_access_key_id=pkey, aws_secret_access_key=psecret)",
                "v2.put_object(Bucket='signed-bucket', Key='v2 header.txt', Body=b'written with sigv2', ContentType='text/plain')",
                "print('header-v2', v2.get_object(Bucket='signed-bucket', Key='v2 header.txt')['Body'].read().decode())",
                "print('list-v2', [o['Key'] for o in v2.list_objects(Bucket='signed-bucket', Prefix='v2')['Contents']])",
                ""));
        String out = run(Map.of(), "python3", script.toString(), endpoint.endpointUrl(), ca.certificatePemPath().toString(),
                endpoint.localCredentials().accessKeyId(), endpoint.localCredentials().secretAccessKey(), connect.proxyUrl(),
                connect.localCredentials().accessKeyId(), connect.localCredentials().secretAccessKey());
        List<String> lines = new ArrayList<>(out.lines().toList());
        assertThat(lines).contains("presign-v2 True hello from moto");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("wrong-secret HTTP 403").contains("Signature Version 2"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("expired HTTP 403").contains("expired"));
        assertThat(lines).contains("header-v2 written with sigv2", "list-v2 ['v2 header.txt']");
        assertThat(direct.getObjectAsBytes(b -> b.bucket("signed-bucket").key("v2 header.txt")).asUtf8String())
                .isEqualTo("written with sigv2");
    }
}
