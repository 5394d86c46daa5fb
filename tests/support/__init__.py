"""What tests share: stacks, labels, households, the register's events, the accessibility
check. Test modules import from here and never from one another."""
