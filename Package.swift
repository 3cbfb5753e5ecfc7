// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // The project's own code builds without a warning (dependencies are not affected).
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "crm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "crm", targets: ["crm"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        // C bindings for libpq (libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // C bindings for libcrypto (libssl-dev): PBKDF2, SHA-256, random bytes.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // C bindings for zlib (zlib1g-dev): deflate and CRC-32 for the .xlsx exports.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Passwords (PBKDF2-HMAC-SHA256) and session/API tokens. Knows nothing of the database.
        .target(
            name: "Credentials",
            dependencies: ["CLibCrypto"],
            swiftSettings: swiftSettings
        ),
        // Who is acting: logins, sessions, the per-request database context, client addresses.
        .target(
            name: "AccessControl",
            dependencies: [
                "Credentials", "PostgresClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // ИНН, КПП, ОГРН/ОГРНИП: formats and check digits of Russian company identifiers.
        .target(
            name: "CompanyIdentifiers",
            swiftSettings: swiftSettings
        ),
        // The libpq layer: connections, queries, decoding, pool, LISTEN/NOTIFY, COPY.
        // Knows nothing of HTTP or of the CRM.
        .target(
            name: "PostgresClient",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A private PostgreSQL cluster run from the installed binaries (initdb, pg_ctl).
        .target(
            name: "EmbeddedPostgres",
            dependencies: [
                .product(name: "Logging", package: "swift-log")
            ],
            swiftSettings: swiftSettings
        ),
        // Numbered SQL migrations applied in order, checksummed, under an advisory lock.
        .target(
            name: "SchemaMigrations",
            dependencies: ["PostgresClient", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The admin console: a line protocol over TCP (SwiftNIO).
        .target(
            name: "AdminConsole",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Documents: Russian business formatting (amounts, words, dates, VAT), templates (parse,
        // check against the field catalogue, fill) and HTML → PDF in a process of its own.
        .target(
            name: "Documents",
            swiftSettings: swiftSettings
        ),
        // E-mail: MIME messages (RFC 2045/2047, UTF-8, base64 attachments) and a small SMTP
        // client over SwiftNIO (plain, STARTTLS or TLS with swift-nio-ssl, AUTH PLAIN/LOGIN).
        // Knows nothing of the database or of the CRM.
        .target(
            name: "Mail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The CRM's own work that is neither HTTP nor wiring: the inbound processor and its retry
        // service, the notification hub and listener, the timer service, the outbound webhook
        // dispatcher and the admin console's commands (their SQL). Knows nothing of HTTP routes.
        .target(
            name: "CRMDomain",
            dependencies: [
                "PostgresClient", "AccessControl", "AdminConsole", "Credentials",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP API (Hummingbird): routes, error format, request ids, access log.
        .target(
            name: "HTTPAPI",
            dependencies: [
                "CRMDomain", "PostgresClient", "AccessControl", "CompanyIdentifiers", "Credentials", "CZlib", "Documents", "Mail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The staff web interface: server-rendered pages over the same per-request database
        // context as the API; session cookie, CSRF, i18n catalogues, own CSS and JavaScript.
        .target(
            name: "WebUI",
            dependencies: [
                "HTTPAPI", "AccessControl", "PostgresClient", "Credentials",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Wiring: configuration, the managed cluster, migrations, services, shutdown.
        .target(
            name: "CRMServer",
            dependencies: [
                "PostgresClient", "EmbeddedPostgres", "SchemaMigrations", "AdminConsole", "CRMDomain", "HTTPAPI", "AccessControl",
                "Credentials", "WebUI", "Documents", "Mail",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "crm",
            dependencies: [
                "CRMServer", "EmbeddedPostgres", "SchemaMigrations", "PostgresClient", "Credentials",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests
        .target(
            name: "TestSupport",
            dependencies: [
                "EmbeddedPostgres", "PostgresClient", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CompanyIdentifiersTests",
            dependencies: ["CompanyIdentifiers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DocumentsTests",
            dependencies: ["Documents"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MailTests",
            dependencies: ["Mail", "TestSupport", "Credentials"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CredentialsTests",
            dependencies: ["Credentials"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresClientTests",
            dependencies: ["PostgresClient", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchemaMigrationsTests",
            dependencies: ["SchemaMigrations", "PostgresClient", "EmbeddedPostgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AdminConsoleTests",
            dependencies: [
                "AdminConsole",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fast tier: HTTPAPI without a database (list queries, cursors, saved filters, the JSON
        // parser, error mapping and the error catalogue, `.router` tests of the served routes).
        // `swift test --filter HTTPAPIUnitTests` runs in seconds; CRMServerTests start PostgreSQL.
        .testTarget(
            name: "HTTPAPIUnitTests",
            dependencies: [
                "HTTPAPI", "AccessControl", "PostgresClient", "Credentials", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRMServerTests",
            dependencies: [
                "CRMServer", "TestSupport", "PostgresClient", "EmbeddedPostgres", "SchemaMigrations", "HTTPAPI", "Credentials",
                "AccessControl",
                "WebUI", "Documents", "CompanyIdentifiers", "Mail",
                // The tests launch the built `crm` binary, so it must be built with them.
                "crm",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
