import KafkaClient
import Logging
import LoopwatchTestSupport
import Synchronization
import Testing

@Suite struct ConfigurationTests {
    @Test func descriptionRedactsSecrets() {
        var configuration = KafkaConfiguration(
            [
                "bootstrap.servers": "localhost:9092",
                "sasl.password": "hunter2",
                "ssl.key.pem": "PRIVATE",
                "custom.token": "tok3n",
            ], secretKeys: ["custom.token"])
        configuration["client.id"] = "loopwatch"
        let text = configuration.description
        #expect(text.contains("bootstrap.servers=localhost:9092"))
        #expect(text.contains("client.id=loopwatch"))
        for secret in ["hunter2", "PRIVATE", "tok3n"] {
            #expect(!text.contains(secret))
        }
        #expect(configuration.isSecret("sasl.oauthbearer.config"))
        #expect(configuration.isSecret("ssl.keystore.password"))
        #expect(!configuration.isSecret("group.id"))
        #expect(
            configuration.entries.map(\.key) == [
                "bootstrap.servers", "sasl.password", "ssl.key.pem", "custom.token", "client.id",
            ])
    }

    @Test func invalidPropertyNamesKeyButNotSecretValue() {
        let unknown = KafkaConfiguration(["no.such.property": "x"])
        #expect {
            _ = try KafkaProducer(configuration: unknown, logger: TestSupport.logger)
        } throws: { error in
            let error = error as! KafkaError
            return error.code == .invalidArgument && error.message.contains("no.such.property")
        }

        let badSecret = KafkaConfiguration(["linger.ms": "not-a-number-s3cr3t"], secretKeys: ["linger.ms"])
        #expect {
            _ = try KafkaProducer(configuration: badSecret, logger: TestSupport.logger)
        } throws: { error in
            let error = error as! KafkaError
            return error.message.contains("linger.ms") && !error.message.contains("s3cr3t")
        }
    }

    @Test func librdkafkaLogsReachSwiftLogWithoutSecrets() throws {
        let lines = LineStore()
        let logger = Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
        let producer = try KafkaProducer(
            configuration: KafkaConfiguration([
                "bootstrap.servers": "127.0.0.1:1",
                "queue.buffering.max.kbytes": "65536",
                "debug": "conf,generic",
                "sasl.password": "hunter2",
                "sasl.username": "user",
            ]), logger: logger)
        let gotLogs = TestSupport.waitUntil(timeout: .seconds(10)) {
            _ = try? producer.flush(timeout: .milliseconds(50))
            return !lines.all.isEmpty
        }
        producer.shutdown(timeout: .zero)
        #expect(gotLogs)
        #expect(lines.all.allSatisfy { !$0.contains("hunter2") })
    }
}
