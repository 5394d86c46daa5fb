-- The trainings of the people who hold accounts, as group_purchase announces them (account
-- id, course, reference, validity: no name): only someone whose erasure training is valid on
-- the day records or validates a certified erasure, and the certificate names that training.
CREATE TABLE officer_trainings (
    id          uuid PRIMARY KEY,
    account_id  text NOT NULL,
    course      text NOT NULL,
    reference   text NOT NULL,
    valid_from  date NOT NULL,
    valid_until date NOT NULL
);
CREATE INDEX officer_trainings_of ON officer_trainings (account_id, course, valid_until);

ALTER TABLE erasures ADD COLUMN performer_training text;
ALTER TABLE erasures ADD COLUMN validator_training text;
