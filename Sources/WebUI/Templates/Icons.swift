/// Small inline SVG icons (no icon font, no emoji font needed); colour follows the text.
enum Icons {
    private static func svg(_ path: String) -> HTML {
        HTML(unsafeRaw: "<svg class=\"icon\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" focusable=\"false\"><path d=\"\(path)\"/></svg>")
    }

    static let bell = svg(
        "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
    )
    static let person = svg("M12 12a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5Z")
    static let clock = svg("M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm1 10.4 3.7 2.2-1 1.7L11 13V6h2Z")
    static let phone = svg(
        "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1Z"
    )
    static let mail = svg("M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1Zm9 7 8-5H4Zm0 2.3L4 9.3V17h16V9.3Z")
    static let meeting = svg(
        "M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm0 2c-2.7 0-6 1.3-6 3.5V19h12v-2.5C14 14.3 10.7 13 8 13Zm8 0c-.3 0-.7 0-1 .06A4.2 4.2 0 0 1 16 16.5V19h6v-2.5c0-2.2-3.3-3.5-6-3.5Z"
    )
    static let message = svg("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2Z")
    static let grip = svg("M8 4h3v3H8Zm5 0h3v3h-3ZM8 10.5h3v3H8Zm5 0h3v3h-3ZM8 17h3v3H8Zm5 0h3v3h-3Z")
    static let check = svg("M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4Z")
    static let plus = svg("M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6Z")
}
