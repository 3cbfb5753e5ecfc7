extension TextKey {
    /// The text of an approval's status.
    init(approvalStatus status: String) {
        self = switch status {
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
        self = switch status {
        case "unpaid": .invoiceUnpaid
        case "partially_paid": .invoicePartiallyPaid
        case "paid": .invoicePaid
        case "cancelled": .invoiceCancelled
        default: .unknownValue
        }
    }

    /// The text of an interaction's kind.
    init(interactionKind kind: String) {
        self = switch kind {
        case "call": .interactionCall
        case "email": .interactionEmail
        case "meeting": .interactionMeeting
        case "message": .interactionMessage
        default: .unknownValue
        }
    }

    /// The text of a company kind.
    init(companyKind kind: String) {
        self = switch kind {
        case "customer": .companyCustomer
        case "supplier": .companySupplier
        case "both": .companyBoth
        default: .unknownValue
        }
    }
}
