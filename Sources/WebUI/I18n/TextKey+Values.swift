extension TextKey {
    /// The text of an approval's status.
    init(approvalStatus status: String) {
        self =
            switch status {
            case "waiting": .approvalWaiting
            case "pending": .approvalPending
            case "approved": .approvalApproved
            case "rejected": .approvalRejected
            case "cancelled": .approvalCancelled
            default: .unknownValue
            }
    }

    /// The text of an invoice's status.
    init(invoiceStatus status: String) {
        self =
            switch status {
            case "unpaid": .invoiceUnpaid
            case "partially_paid": .invoicePartiallyPaid
            case "paid": .invoicePaid
            case "cancelled": .invoiceCancelled
            default: .unknownValue
            }
    }

    /// The text of an interaction's kind.
    init(interactionKind kind: String) {
        self =
            switch kind {
            case "call": .interactionCall
            case "email": .interactionEmail
            case "meeting": .interactionMeeting
            case "message": .interactionMessage
            default: .unknownValue
            }
    }

    /// The text of a company kind.
    init(companyKind kind: String) {
        self =
            switch kind {
            case "customer": .companyCustomer
            case "supplier": .companySupplier
            case "both": .companyBoth
            default: .unknownValue
            }
    }
}

extension TextKey {
    /// The text of a permission scope.
    init(scope: String) {
        self =
            switch scope {
            case "none": .scopeNone
            case "own": .scopeOwn
            case "department": .scopeDepartment
            case "territory": .scopeTerritory
            case "all": .scopeAll
            default: .unknownValue
            }
    }

    /// The text of a permission action.
    init(permissionAction action: String) {
        self =
            switch action {
            case "read": .actionRead
            case "create": .actionCreate
            case "update": .actionUpdate
            case "delete": .actionDelete
            case "export": .actionExport
            case "approve": .actionApprove
            default: .unknownValue
            }
    }

    /// The text of a permission entity.
    init(permissionEntity entity: String) {
        self =
            switch entity {
            case "client": .entityClient
            case "counterparty": .entityCounterparty
            case "contact": .entityContact
            case "deal": .entityDeal
            case "task": .entityTask
            case "interaction": .entityInteraction
            case "document": .entityDocument
            case "product": .entityProduct
            case "invoice": .entityInvoice
            case "report": .entityReport
            default: .unknownValue
            }
    }
}

extension TextKey {
    /// The text of an allowed network's purpose.
    init(networkPurpose purpose: String) {
        self =
            switch purpose {
            case "login": .netPurposeLogin
            case "export": .netPurposeExport
            case "admin": .netPurposeAdmin
            default: .unknownValue
            }
    }

    /// The text of a session's kind.
    init(sessionPurpose purpose: String) {
        self =
            switch purpose {
            case "web": .sessPurposeWeb
            case "console": .sessPurposeConsole
            case "console_local": .sessPurposeConsoleLocal
            default: .unknownValue
            }
    }
}
