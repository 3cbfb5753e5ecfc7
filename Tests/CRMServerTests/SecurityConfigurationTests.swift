import AccessControl
import CRMServer
import Testing

/// `cors-origin` and `webhook-allow-network`: merged and checked like every other key.
@Suite("Security configuration")
struct SecurityConfigurationTests {
    static func load(_ flags: [ConfigurationLoader.Key: String]) throws -> ServerConfiguration {
        try ConfigurationLoader(flags: flags, environment: [:], configFile: nil).load()
    }

    static func message(_ flags: [ConfigurationLoader.Key: String]) -> String {
        do {
            _ = try load(flags)
            return "(accepted)"
        } catch {
            return "\(error)"
        }
    }

    @Test func corsOriginsAreOriginsAndNoneByDefault() throws {
        #expect(try Self.load([:]).corsOrigins == [])
        let origins = try Self.load([.corsOrigin: "https://crm.example.ru, http://localhost:3000"]).corsOrigins
        #expect(origins == ["https://crm.example.ru", "http://localhost:3000"])
        for bad in ["*", "crm.example.ru", "https://crm.example.ru/", "https://crm.example.ru/app", "ftp://x.ru"] {
            #expect(Self.message([.corsOrigin: bad]).contains("is not an origin"), "\(bad)")
        }
    }

    @Test func webhookAllowedNetworksAreCIDRsAndNoneByDefault() throws {
        #expect(try Self.load([:]).webhooks.allowedNetworks == [])
        let allowed = try Self.load([.webhookAllowNetwork: "10.1.0.0/16, ::1"]).webhooks.allowedNetworks
        #expect(allowed == [IPNetwork("10.1.0.0/16")!, IPNetwork("::1")!])
        #expect(Self.message([.webhookAllowNetwork: "10.1.0.0/33"]).contains("not an IP address or CIDR network"))
    }
}
