/// Kafka protocol request types, for ``KafkaMockCluster`` error injection.
public enum KafkaApiKey: Int16, Sendable, CaseIterable {
    /// ProduceRequest.
    case produce = 0
    /// FetchRequest.
    case fetch = 1
    /// ListOffsetsRequest.
    case listOffsets = 2
    /// MetadataRequest.
    case metadata = 3
    /// OffsetCommitRequest.
    case offsetCommit = 8
    /// OffsetFetchRequest.
    case offsetFetch = 9
    /// FindCoordinatorRequest.
    case findCoordinator = 10
    /// JoinGroupRequest.
    case joinGroup = 11
    /// HeartbeatRequest.
    case heartbeat = 12
    /// LeaveGroupRequest.
    case leaveGroup = 13
    /// SyncGroupRequest.
    case syncGroup = 14
    /// ApiVersionsRequest.
    case apiVersions = 18
    /// InitProducerIdRequest.
    case initProducerId = 22
    /// AddPartitionsToTxnRequest.
    case addPartitionsToTxn = 24
    /// AddOffsetsToTxnRequest.
    case addOffsetsToTxn = 25
    /// EndTxnRequest.
    case endTxn = 26
    /// TxnOffsetCommitRequest.
    case txnOffsetCommit = 28
}
