import Testing

@testable import LoopwatchCore

/// The inline `last_customer_text` preview.
@Suite struct InlineTextTests {
    @Test func shortTextIsKeptVerbatim() {
        #expect(InlineText("my order never arrived", limit: 36).string == "my order never arrived")
        #expect(InlineText("", limit: 36).string == "")
        #expect(InlineText().string == nil)
    }

    @Test func longTextIsCutOnAScalarBoundaryWithAnEllipsis() {
        let text = String(repeating: "a", count: 35) + "é and more"  // é is 2 bytes at 35–36
        let cut = InlineText(text, limit: 36)
        #expect(cut.string == String(repeating: "a", count: 35) + "…")
        #expect(
            InlineText(String(repeating: "b", count: 80), limit: 36).string == String(repeating: "b", count: 36) + "…")
    }

    @Test func aCutTextStoredAgainIsUnchanged() {
        let cut = InlineText(String(repeating: "x", count: 50), limit: 36)
        var state = ConversationState()
        state.lastCustomerText = cut.string
        #expect(state.customerText == cut)
    }

    @Test func orderIsByteWiseWithNoneFirst() {
        #expect(InlineText() < InlineText("", limit: 36))
        #expect(InlineText("abc", limit: 36) < InlineText("abd", limit: 36))
        #expect(InlineText("ab", limit: 36) < InlineText("abc", limit: 36))
        #expect(!(InlineText("b", limit: 36) < InlineText("abc", limit: 36)))
    }
}
