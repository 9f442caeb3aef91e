DROP TABLE certificate_verifications; DROP TABLE certificates; DROP TABLE certificate_registers;
