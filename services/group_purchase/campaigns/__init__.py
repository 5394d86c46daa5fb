"""Group-purchase campaigns: pooled demand reaches a supplier's volume price, households pay a
solidarity share, subsidies pay the rest, and delivered devices join the traceable circuit."""
