"""What social workers are told (by mail, in their inbox, on paper): a device proposed for one
of their households, a reservation that lapsed, and the news of a campaign their families
pledged to. The contacts are held here, in the accounts; no event carries them."""
