DROP TABLE assessments; DROP TABLE attendance;
