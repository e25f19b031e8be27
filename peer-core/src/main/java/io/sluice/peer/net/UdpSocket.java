package io.sluice.peer.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound UDP socket, the only place Netty channels are touched. Each datagram read is copied
 * into a {@code byte[]} once at ingress (protocol code never sees reference-counted buffers) and
 * handed to the {@link DatagramHandler} on the socket's event loop.
 */
public final class UdpSocket {

    private static final Logger log = LoggerFactory.getLogger(UdpSocket.class);

    /** Largest datagram read; WebRTC traffic stays under the path MTU, far below this. */
    public static final int MAX_DATAGRAM = 2048;

    /** Socket buffer size asked for each way: the kernel's 208 KiB default overflows under SCTP bursts. */
    public static final int DEFAULT_BUFFER_BYTES = 4 * 1024 * 1024;

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final int receiveBuffer;
    private final int sendBuffer;
    private final AtomicLong sendErrors = new AtomicLong();
    private final AtomicLong datagramsIn = new AtomicLong();
    private final AtomicLong datagramsOut = new AtomicLong();
    /** A flush is queued on the loop (touched on the loop only). */
    private boolean flushScheduled;
    private final Runnable flush = () -> {
        flushScheduled = false;
        channelFlush();
    };
    private final io.netty.util.concurrent.GenericFutureListener<io.netty.util.concurrent.Future<? super Void>>
            countFailure = f -> {
                if (!f.isSuccess()) {
                    sendErrors.incrementAndGet();
                }
            };

    private UdpSocket(DatagramChannel channel) {
        this.channel = channel;
        this.localAddress = channel.localAddress();
        this.receiveBuffer = channel.config().getReceiveBufferSize();
        this.sendBuffer = channel.config().getSendBufferSize();
    }

    /**
     * Binds a socket on {@code local} (port 0 for any), registered on {@code loop}. The future fails
     * if the address cannot be bound.
     */
    public static CompletableFuture<UdpSocket> bind(NetworkRuntime runtime, EventLoop loop, InetSocketAddress local,
            int bufferBytes, DatagramHandler handler) {
        CompletableFuture<UdpSocket> result = new CompletableFuture<>();
        UdpSocket[] holder = new UdpSocket[1];
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(runtime.datagramChannelClass())
                .option(ChannelOption.SO_RCVBUF, bufferBytes)
                .option(ChannelOption.SO_SNDBUF, bufferBytes)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        UdpSocket socket = holder[0];
                        if (socket == null) {
                            return;
                        }
                        ByteBuf content = packet.content();
                        byte[] data = new byte[content.readableBytes()];
                        content.getBytes(content.readerIndex(), data);
                        socket.datagramsIn.incrementAndGet();
                        try {
                            handler.onDatagram(socket, packet.sender(), data);
                        } catch (RuntimeException e) {
                            log.error("datagram handler failed on {}", socket.localAddress, e);
                        }
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP errors (port unreachable) surface here on connected paths; they are not fatal.
                        log.debug("socket error on {}: {}", ctx.channel().localAddress(), cause.toString());
                    }
                });
        b.bind(local).addListener(f -> {
            if (f.isSuccess()) {
                DatagramChannel ch = (DatagramChannel) ((io.netty.channel.ChannelFuture) f).channel();
                UdpSocket socket = new UdpSocket(ch);
                holder[0] = socket;
                if (socket.receiveBuffer < bufferBytes || socket.sendBuffer < bufferBytes) {
                    log.info("UDP {}: asked {} B buffers, kernel granted receive {} B, send {} B "
                            + "(raise net.core.rmem_max / wmem_max for more)", socket.localAddress, bufferBytes,
                            socket.receiveBuffer, socket.sendBuffer);
                }
                result.complete(socket);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    /** Sends one datagram; safe from any thread, cheapest from the socket's loop. */
    public void send(InetSocketAddress to, byte[] data) {
        send(to, data, 0, data.length);
    }

    public void send(InetSocketAddress to, byte[] data, int offset, int length) {
        if (!channel.isActive()) {
            sendErrors.incrementAndGet();
            return;
        }
        datagramsOut.incrementAndGet();
        DatagramPacket packet = new DatagramPacket(Unpooled.wrappedBuffer(data, offset, length), to);
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            write(packet);
        } else {
            loop.execute(() -> write(packet));
        }
    }

    /**
     * Queues a datagram and flushes once the loop's current task is done: the datagrams one task
     * sends (an SCTP burst, a DTLS flight) leave in one flush, which Netty's epoll transport turns
     * into one sendmmsg call instead of one system call each.
     */
    private void write(DatagramPacket packet) {
        channel.write(packet).addListener(countFailure);
        if (!flushScheduled) {
            flushScheduled = true;
            channel.eventLoop().execute(flush);
        }
    }

    private void channelFlush() {
        channel.flush();
    }

    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The receive buffer the kernel granted (Linux reports twice the usable size). */
    public int grantedReceiveBuffer() {
        return receiveBuffer;
    }

    public int grantedSendBuffer() {
        return sendBuffer;
    }

    public long sendErrors() {
        return sendErrors.get();
    }

    public long datagramsIn() {
        return datagramsIn.get();
    }

    public long datagramsOut() {
        return datagramsOut.get();
    }

    public EventLoop loop() {
        return channel.eventLoop();
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the socket once what was sent before (a DTLS close_notify, say) has been flushed. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Runnable close = () -> {
            channel.flush();
            channel.close().addListener(f -> done.complete(null));
        };
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            close.run();
        } else {
            loop.execute(close);
        }
        return done;
    }
}
