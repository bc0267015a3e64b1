/**
 * End-to-end tests of the services framework: an in-JVM master and agent, the framework
 * subscribed over the event bus, and its /v2 API served over HTTP ({@link io.meso.services.ServicesFixture}).
 */
package io.meso.services;
