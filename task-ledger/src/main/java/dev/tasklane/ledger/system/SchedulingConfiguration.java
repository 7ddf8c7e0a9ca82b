package dev.tasklane.ledger.system;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The nightly archive runs in the service, not during a rebuild. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@Profile("!rebuild")
class SchedulingConfiguration {}
