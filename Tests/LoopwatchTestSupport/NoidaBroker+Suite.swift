extension NoidaBroker {
    /// The suite's broker, set by ``NoidaSuite`` for the tests it scopes.
    @TaskLocal public static var current: NoidaBroker?

    /// The suite's broker; throws outside a ``NoidaSuite``.
    public static func suiteBroker() throws -> NoidaBroker {
        guard let current else { throw NoidaError(message: "no noida broker: mark the suite with .noida") }
        return current
    }
}
