"""Writing with the customer: messages in and out of a ticket, the status link, canned replies."""
