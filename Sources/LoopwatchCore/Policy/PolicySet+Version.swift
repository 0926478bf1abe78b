extension PolicySet {
    /// A stable hash of the whole policy list (order, names and each `Policy.version`), as 16
    /// lowercase hex digits: changes whenever any policy or their order changes.
    public var version: String {
        var h = StableHash()
        for p in policies {
            h.combine(p.name)
            h.combine(p.version)
        }
        return StableHash.hex(h.value)
    }
}
