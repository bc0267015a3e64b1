/**
 * The CLI of the services framework: {@code meso apps}, {@code meso app run|show|scale|restart|delete}
 * and {@code meso deployments}, plain HTTP clients of its Marathon-compatible /v2 API on any
 * master's port ({@link io.meso.cli.services.ServicesHttp}), with exit codes that say what went
 * wrong ({@link io.meso.cli.services.ServicesHttp.Exit}).
 */
package io.meso.cli.services;
